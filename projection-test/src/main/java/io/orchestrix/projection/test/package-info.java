/**
 * The test kit for users' own projections. {@link io.orchestrix.projection.test.ProjectionFixture}
 * describes a projection (read models and handlers) once; from it a test runs given/when/then
 * scenarios ({@link io.orchestrix.projection.test.Scenario}, {@link io.orchestrix.projection.test.Then}),
 * injects {@link io.orchestrix.projection.test.Fault faults}, checks determinism and crash recovery,
 * and drives a live runner ({@link io.orchestrix.projection.test.RunningProjection}) with a
 * {@link io.orchestrix.projection.test.TestClock}. Failed expectations throw
 * {@link io.orchestrix.projection.test.ProjectionAssertionError}.
 */
@NullMarked
package io.orchestrix.projection.test;

import org.jspecify.annotations.NullMarked;
