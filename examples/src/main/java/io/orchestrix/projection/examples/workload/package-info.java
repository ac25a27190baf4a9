/**
 * The standard workload of {@code WORKLOAD.md}: its deterministic event stream, the stream's FNV-1a
 * fingerprint, the {@code order_summary} read model with its handlers, the read model's digest, and a
 * runner that times a projection over the stream. Used by the {@code bench} and {@code digest} commands
 * and by the {@code benchmarks} module.
 */
@NullMarked
package io.orchestrix.projection.examples.workload;

import org.jspecify.annotations.NullMarked;
