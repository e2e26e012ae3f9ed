package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Scope;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope a REST operation needs. Operations under {@code /api} without it need {@code admin}:
 * forgetting the annotation locks an endpoint down instead of opening it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@interface RequiresScope {
  Scope value();
}
