package org.gdpstore.cli;

import java.nio.file.Path;

/** The filesystem command contract on the in-memory test double (command logic only). */
class FsCommandsMemoryTest extends FsCommandsContract {
  @Override
  CliRunner runner(Path home) {
    return new CliRunner(home, new MemoryBackend().factory());
  }
}
