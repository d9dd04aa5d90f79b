import '@testing-library/jest-dom';
import failOnConsole from 'jest-fail-on-console';

// A React warning (a missing key, an update outside act, invalid nesting) is
// a defect the browser console would show: fail the test that caused it.
failOnConsole();
