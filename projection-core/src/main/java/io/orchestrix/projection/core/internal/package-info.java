/**
 * Implementation details of projection-core. Not supported API: anything here may change in any
 * release without notice.
 */
@NullMarked
package io.orchestrix.projection.core.internal;

import org.jspecify.annotations.NullMarked;
