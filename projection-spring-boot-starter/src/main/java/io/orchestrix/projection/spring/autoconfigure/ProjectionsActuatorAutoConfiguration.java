package io.orchestrix.projection.spring.autoconfigure;

import io.orchestrix.projection.spring.ProjectionEngines;
import io.orchestrix.projection.spring.ProjectionsProperties;
import io.orchestrix.projection.spring.actuate.ProjectionsEndpoint;
import io.orchestrix.projection.spring.actuate.ProjectionsHealthIndicator;
import io.orchestrix.projection.spring.actuate.ProjectionsWebEndpointExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code projections} health indicator ({@code management.health.projections.enabled}) and the
 * {@code projections} endpoint, when Spring Boot Actuator is on the class path.
 */
@AutoConfiguration(after = ProjectionsAutoConfiguration.class)
@ConditionalOnBean(ProjectionEngines.class)
public final class ProjectionsActuatorAutoConfiguration {

  /** The health indicator, with Spring Boot 4's health module. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnEnabledHealthIndicator("projections")
  static final class Health {
    @Bean
    @ConditionalOnMissingBean(name = "projectionsHealthIndicator")
    ProjectionsHealthIndicator projectionsHealthIndicator(ProjectionEngines engines) {
      return new ProjectionsHealthIndicator(engines);
    }
  }

  /** The endpoint, when the application makes it available. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  @ConditionalOnAvailableEndpoint(ProjectionsEndpoint.class)
  static final class Endpoint {
    @Bean
    @ConditionalOnMissingBean
    ProjectionsEndpoint projectionsEndpoint(ProjectionEngines engines,
        ProjectionsProperties properties) {
      return new ProjectionsEndpoint(engines, properties.generations().cutOverLag());
    }

    /** Its write operation over HTTP, with the reason of a refusal in the answer. */
    @Bean
    @ConditionalOnMissingBean
    ProjectionsWebEndpointExtension projectionsWebEndpointExtension(ProjectionsEndpoint endpoint) {
      return new ProjectionsWebEndpointExtension(endpoint);
    }
  }
}
