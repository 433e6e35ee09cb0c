/**
 * The engine behind the {@code org.gdpstore.fs} API: one class per job (directory log, commit
 * codec, transactions, mutations, content reads, views, history, resources), wired by
 * {@link org.gdpstore.fs.internal.FsEngine}; see docs/architecture.md. Public only so the API
 * package can use it; no compatibility promise, and no type of it appears in a public API
 * signature ({@code ApiBoundaryTest}).
 */
package org.gdpstore.fs.internal;
