// jest-dom, and failing on console errors and warnings: see the shared setup.
import '@internal/frontend-test-setup';
