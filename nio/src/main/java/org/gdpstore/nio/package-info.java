/**
 * The {@code java.nio.file} provider of the {@code gdp} scheme: {@code gdp://FS/path} paths on
 * gdpstore filesystems ({@link org.gdpstore.nio.GdpFileSystemProvider}), its environment keys and
 * transactions ({@link org.gdpstore.nio.GdpNio}, {@link org.gdpstore.nio.GdpTransaction}) and the
 * {@code gdp} attribute view ({@link org.gdpstore.nio.GdpFileAttributes}). See docs/nio.md.
 */
package org.gdpstore.nio;
