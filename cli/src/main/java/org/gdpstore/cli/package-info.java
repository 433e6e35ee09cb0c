/**
 * The {@code gdpfs} command-line tool (picocli). {@link org.gdpstore.cli.GdpfsCli} is the entry
 * point; every command is a {@code CliCommand} that opens a {@code Backend} (an embedded durable
 * simulator, or a router given with {@code --router}) and, for files, a {@code RemoteFs} over the
 * fs-engine. User errors are {@link org.gdpstore.cli.CliException}s with the exit codes of
 * {@link org.gdpstore.cli.ExitCodes}. Only this module binds an SLF4J backend (slf4j-simple).
 * Reference: docs/cli.md.
 */
package org.gdpstore.cli;
