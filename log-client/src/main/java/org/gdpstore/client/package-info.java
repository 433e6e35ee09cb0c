/**
 * The asynchronous GDP log client: {@link org.gdpstore.client.GdpClient} (one router connection),
 * {@link org.gdpstore.client.LogReader} and {@link org.gdpstore.client.LogWriter} (open logs),
 * {@link org.gdpstore.client.LogRecord}, subscriptions, and one error type,
 * {@link org.gdpstore.client.GdpException} carrying a {@link org.gdpstore.client.GdpStatus}.
 * Values are immutable; nothing here is {@code null} unless documented. No Netty type crosses this API.
 */
package org.gdpstore.client;
