/**
 * The starter's implementation: store and source selection, assembly of engines from beans, the
 * runner's lifecycle. Not supported API: it may change in any release.
 */
@NullMarked
package io.orchestrix.projection.spring.internal;

import org.jspecify.annotations.NullMarked;
