/**
 * What several of Paved Road's frontend plugins share: the JSON request of
 * a plugin's API client to its backend (or a generated client's answer as
 * JSON), and the message of a backend error.
 *
 * @packageDocumentation
 */
export {
  createJsonFetcher,
  okJson,
  type JsonFetcher,
  type JsonRequestOptions,
} from './jsonFetcher';
export { errorMessage } from './errorMessage';
