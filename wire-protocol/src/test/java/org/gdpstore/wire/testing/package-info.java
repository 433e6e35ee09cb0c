/**
 * Test support shared with the other modules through the wire-protocol test-jar: a Netty leak
 * detector that records leaks ({@link org.gdpstore.wire.testing.RecordingLeakDetector}), the JUnit 5
 * extension that fails a test class on a leak ({@link org.gdpstore.wire.testing.LeakCheck}), a
 * reader for the golden PDUs captured from the reference implementation
 * ({@link org.gdpstore.wire.testing.GoldenVectors}), and a seeded property-trial runner for plain
 * JUnit 5 tests ({@link org.gdpstore.wire.testing.Trials}).
 */
package org.gdpstore.wire.testing;
