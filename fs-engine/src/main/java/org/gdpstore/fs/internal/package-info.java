/**
 * Implementation of the fs engine. Classes here are public only for technical reasons (tests,
 * benchmarks, the CLI) and carry no compatibility promise.
 */
package org.gdpstore.fs.internal;
