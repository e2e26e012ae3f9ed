package dev.tracefetch.store.plan;

import dev.tracefetch.planner.ImagePlanner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ranking and merging algorithm the store runs, configured from {@link PlanProperties}. */
@Configuration(proxyBeanMethods = false)
class PlanConfiguration {
  @Bean
  ImagePlanner imagePlanner(PlanProperties properties) {
    return new ImagePlanner(properties.rankingSettings());
  }
}
