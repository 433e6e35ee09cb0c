/**
 * Implementation of the gdp provider. Classes here are public only because the public package
 * reaches them ({@code Provision}, {@code GdpNioFileSystem}, {@code GdpPath}) and carry no
 * compatibility promise.
 */
package org.gdpstore.nio.internal;
