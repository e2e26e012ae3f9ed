package dev.tracefetch.store.plan;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the ranking and merging algorithm the store runs. */
@Configuration(proxyBeanMethods = false)
class PlanConfiguration {
  @Bean
  @ConditionalOnMissingBean
  PlanComputer planComputer() {
    return new SimplePlanComputer();
  }
}
