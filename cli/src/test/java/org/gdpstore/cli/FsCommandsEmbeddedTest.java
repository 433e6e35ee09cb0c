package org.gdpstore.cli;

import java.nio.file.Path;

/**
 * The filesystem command contract on the real stack: fs-engine on the log client on the embedded
 * durable simulator, each command a fresh backend on the same home (as separate processes would be).
 */
class FsCommandsEmbeddedTest extends FsCommandsContract {
  @Override
  CliRunner runner(Path home) {
    return new CliRunner(home);
  }
}
