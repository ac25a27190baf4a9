/**
 * Support code for store authors: the guards, URI handling, property parsing and error translation
 * every store needs, written once so that every store behaves alike.
 * {@link io.orchestrix.projection.spi.support.AbstractProjectionStore} is the base a store extends.
 */
@NullMarked
package io.orchestrix.projection.spi.support;

import org.jspecify.annotations.NullMarked;
