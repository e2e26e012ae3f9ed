package dev.tracefetch.store;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application behind {@code bin/trace-store serve}: REST and gRPC over one service
 * layer, PostgreSQL through Flyway-managed schema. Started by {@code cli.TraceStoreCommand}, which
 * answers {@code --help} and friends without starting Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TraceStoreApplication {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  public static void main(String[] args) {
    SpringApplication.run(TraceStoreApplication.class, args);
  }
}
