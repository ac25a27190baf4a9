/**
 * The test kit's internals: store wrappers, JSON comparison and digests. Not supported API: anything
 * here may change in any release.
 */
@NullMarked
package io.orchestrix.projection.test.internal;

import org.jspecify.annotations.NullMarked;
