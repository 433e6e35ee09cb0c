package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.TransactionConflictException;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.Test;

/**
 * Every way the CLI maps engine and client failures to exit codes: a conflict is 7 with one line
 * naming the path, 4 only when the GDP network gave no answer, whatever engine code wraps it.
 */
class ExitCodeMappingTest {
  private static GdpException gdp(GdpStatus.Code code, String text) {
    return GdpStatus.of(code, text).asException();
  }

  /** A failed commit as the engine reports it: UNAVAILABLE "outcome unknown", the client's failure inside. */
  private static FsException commitFailed(GdpException cause) {
    FsException inner = new FsException(FsCode.INTERNAL, "/", "INTERNAL: " + cause.getMessage(),
        new RuntimeException(cause.getMessage(), cause));
    return new FsException(FsCode.UNAVAILABLE, "/",
        "commit failed, its outcome is unknown until the filesystem is reopened: " + inner.getMessage(), inner);
  }

  @Test
  void aCommitThatLostToAnotherWriterIsAConflictNamingThePath() {
    GdpException conflict = GdpStatus.fromNak(MsgCode.NAK_C_CONFLICT, "record 7 of x already holds different content")
        .asException();
    CliException e = EngineFs.toCli(commitFailed(conflict), "/docs/a.txt (and 2 more)");
    assertThat(e.exitCode()).isEqualTo(ExitCodes.EXISTS);
    assertThat(e.getMessage()).startsWith("conflict: /docs/a.txt (and 2 more): another writer got there first")
        .contains("record 7 of x already holds different content")
        .doesNotContain("did not answer", "outcome is unknown", "\n");
    // the engine's optimistic-commit verdict (ABORTED) names its path and the commit that won
    CliException aborted = EngineFs.toCli(new TransactionConflictException("/docs/b.txt", "changed by commit 12"));
    assertThat(aborted.exitCode()).isEqualTo(ExitCodes.EXISTS);
    assertThat(aborted.getMessage()).isEqualTo(
        "conflict: /docs/b.txt: another writer got there first (changed by commit 12); run the command again");
    // a raw-log conflict from the client itself
    assertThat(GdpErrors.toCli(conflict, "log L").exitCode()).isEqualTo(ExitCodes.EXISTS);
    assertThat(GdpErrors.toCli(conflict, "log L").getMessage()).startsWith("conflict: log L: ");
  }

  @Test
  void aSnapshotOlderThanTheRetentionHorizonIsExpiredNotAConflict() {
    CliException e = EngineFs.toCli(new org.gdpstore.fs.SnapshotExpiredException(3, 9));
    assertThat(e.exitCode()).isEqualTo(ExitCodes.EXPIRED);
    assertThat(e.getMessage()).isEqualTo(
        "snapshot 3 is older than the retention horizon 9: a gc reclaimed it; ask for record 9 or later");
    // other FAILED_PRECONDITIONs (a directory not empty, a parent that is a file) keep exit 7
    assertThat(EngineFs.toCli(new FsException(FsCode.FAILED_PRECONDITION, "/d", "directory not empty")).exitCode())
        .isEqualTo(ExitCodes.EXISTS);
  }

  @Test
  void exitFourOnlyWhenNothingAnswered() {
    assertThat(EngineFs.toCli(commitFailed(gdp(GdpStatus.Code.DEADLINE_EXCEEDED, "no answer within PT10S")), null)
        .exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(EngineFs.toCli(commitFailed(gdp(GdpStatus.Code.UNAVAILABLE, "no usable connection")), null)
        .exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(EngineFs.toCli(new FsException(FsCode.UNAVAILABLE, "/", "writer broken")).exitCode())
        .isEqualTo(ExitCodes.UNREACHABLE);
    // answers: the router had no route (NOT_FOUND), the server refused or the data did not verify
    assertThat(EngineFs.toCli(commitFailed(GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route").asException()), null)
        .exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(EngineFs.toCli(commitFailed(gdp(GdpStatus.Code.INTEGRITY, "bad signature")), null).exitCode())
        .isEqualTo(ExitCodes.INTEGRITY);
    assertThat(EngineFs.toCli(commitFailed(gdp(GdpStatus.Code.FORBIDDEN, "not the writer")), null).exitCode())
        .isEqualTo(ExitCodes.KEY);
    CliException nak = EngineFs.toCli(commitFailed(GdpStatus.fromNak(MsgCode.NAK_S_INTERNAL, "disk full")
        .asException()), null);
    assertThat(nak.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(nak.getMessage()).doesNotContain("did not answer");
  }

  @Test
  void theTopLevelReportPrintsOneLineForAConflict() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnv env = new CliEnv(Path.of("unused"), new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
    GdpException conflict = GdpStatus.fromNak(MsgCode.NAK_C_CONFLICT, "record 3 exists with other content").asException();
    assertThat(GdpfsCli.report(conflict, false, env)).isEqualTo(ExitCodes.EXISTS);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("gdpfs: conflict: ").hasLineCount(1);
  }
}
