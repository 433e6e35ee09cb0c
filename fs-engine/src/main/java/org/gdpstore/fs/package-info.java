/**
 * gdpstore's embeddable file and key-value store on GDP logs: {@link org.gdpstore.fs.GdpFileSystem}
 * (TensorFlow's FileSystem method set and status codes, transactions, snapshots, key-value pairs,
 * chunk cache, verified reads). The on-log format is documented in {@code docs/on-log-format.md}.
 * Uses only the log-client's public API.
 */
package org.gdpstore.fs;
