/**
 * What several of Paved Road's frontend plugins share: the JSON request of
 * a plugin's API client to its backend, and the message of a backend error.
 *
 * @packageDocumentation
 */
export {
  createJsonFetcher,
  type JsonFetcher,
  type JsonRequestOptions,
} from './jsonFetcher';
export { errorMessage } from './errorMessage';
