/**
 * Benchmarks: the JMH dispatch benchmark ({@link io.orchestrix.projection.benchmarks.DispatchBenchmark})
 * and the end-to-end harness on the standard workload with its hand-written baselines
 * ({@link io.orchestrix.projection.benchmarks.EndToEnd}). Nothing here is library API.
 */
@NullMarked
package io.orchestrix.projection.benchmarks;

import org.jspecify.annotations.NullMarked;
