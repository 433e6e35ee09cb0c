package org.gdpstore.fs;

/** Transactions, snapshots, KV and cache on the in-memory log store. */
class InMemoryFsTransactionTest extends FsTransactionTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.memory();
  }
}
