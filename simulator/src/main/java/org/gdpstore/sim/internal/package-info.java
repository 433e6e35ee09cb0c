/**
 * The simulator's router, log server and storage. These classes are public only for technical
 * reasons (they span packages) and carry no compatibility promise; use {@link org.gdpstore.sim}.
 */
package org.gdpstore.sim.internal;
