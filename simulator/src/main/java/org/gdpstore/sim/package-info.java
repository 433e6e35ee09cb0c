/**
 * An in-process GDP router plus simulated log server ({@link org.gdpstore.sim.GdpSimulator}),
 * reachable through Netty local channels and loopback TCP, in memory or durable, with seeded
 * fault injection ({@link org.gdpstore.sim.FaultPlan}, {@link org.gdpstore.sim.FaultInjector})
 * and a standalone entry point ({@link org.gdpstore.sim.GdpSimulatorMain}). See
 * {@code docs/simulator.md} for the semantics it implements.
 */
package org.gdpstore.sim;
