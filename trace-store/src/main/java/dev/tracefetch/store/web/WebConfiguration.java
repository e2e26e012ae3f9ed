package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.TokenService;
import dev.tracefetch.store.trace.UploadProperties;
import jakarta.servlet.MultipartConfigElement;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.web.embedded.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * REST wiring: authentication on {@code /api}, and upload limits that hold at every layer. The
 * multipart limits follow {@code tracestore.upload.max-size}, and Tomcat reads and discards the
 * rest of an oversized body (up to twice the limit) so that the client receives the 413 problem
 * instead of a reset connection.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {
  /** Room for multipart boundaries and headers around the file. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private final TokenService tokens;

  WebConfiguration(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new ScopeInterceptor(tokens)).addPathPatterns("/api/**");
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new CallerArgumentResolver());
  }

  @Bean
  MultipartConfigElement multipartConfigElement(UploadProperties limits) {
    long max = limits.maxBytes();
    return new MultipartConfigElement("", max, max + MULTIPART_OVERHEAD, 1024 * 1024);
  }

  @Bean
  TomcatConnectorCustomizer uploadLimitsConnectorCustomizer(UploadProperties limits) {
    int swallow = (int) Math.min(Integer.MAX_VALUE, 2 * limits.maxBytes() + MULTIPART_OVERHEAD);
    return (Connector connector) -> {
      connector.setMaxPostSize(swallow);
      if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
        http.setMaxSwallowSize(swallow);
      }
    };
  }
}
