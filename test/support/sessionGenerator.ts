/** The session generator lives in the product (the demo store uses it); tests import it from here. */
export * from '../../src/core/demo/sessionGenerator';
