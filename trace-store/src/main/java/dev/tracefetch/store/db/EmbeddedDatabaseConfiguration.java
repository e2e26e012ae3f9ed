package dev.tracefetch.store.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Supplies the DataSource from a private PostgreSQL cluster when no database is configured. The
 * pool depends on the cluster, so on shutdown the pool closes first and the cluster stops after.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDatabaseConfiguredCondition.class)
@EnableConfigurationProperties(EmbeddedDatabaseProperties.class)
class EmbeddedDatabaseConfiguration {

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) {
    return EmbeddedPostgres.start(properties.settings());
  }

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(EmbeddedPostgres postgres, Environment env) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("trace-store-embedded");
    config.setJdbcUrl(postgres.jdbcUrl());
    config.setUsername(postgres.username());
    config.setPassword(postgres.password());
    config.setMaximumPoolSize(
        env.getProperty("spring.datasource.hikari.maximum-pool-size", Integer.class, 10));
    return new HikariDataSource(config);
  }
}
