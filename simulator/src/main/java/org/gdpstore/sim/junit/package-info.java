/**
 * JUnit 5 support: {@link org.gdpstore.sim.junit.SimulatorExtension} starts a simulator per test
 * class and injects it. Needs junit-jupiter-api, an optional dependency of the simulator.
 */
package org.gdpstore.sim.junit;
