package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description served at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
  static {
    // Resolved from the bearer token, not a request parameter.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
  }

  @Bean
  OpenAPI traceStoreOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("tracefetch trace-store")
                .version("v1")
                .description(
                    "Stores start-up traces, ranks them per image and serves the merged replay"
                        + " plan. Errors are application/problem+json."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "bearer",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("API token (scopes: upload, read, admin)")))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }
}
