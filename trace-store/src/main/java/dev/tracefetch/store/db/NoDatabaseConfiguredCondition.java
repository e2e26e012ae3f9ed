package dev.tracefetch.store.db;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Matches when no database URL is configured and the embedded default is not switched off. */
final class NoDatabaseConfiguredCondition implements Condition {
  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    var env = context.getEnvironment();
    return !StringUtils.hasText(env.getProperty("spring.datasource.url"))
        && env.getProperty("tracestore.embedded-db.enabled", Boolean.class, true);
  }
}
