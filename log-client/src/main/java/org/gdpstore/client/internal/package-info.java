/**
 * Implementation of the log client. Public only for technical reasons; no compatibility promise.
 * Connection state (request table, subscriptions, log handles) is confined to the client's single
 * network thread.
 */
package org.gdpstore.client.internal;
