import { run } from './program';

run(process.argv).then(code => {
  process.exitCode = code;
});
