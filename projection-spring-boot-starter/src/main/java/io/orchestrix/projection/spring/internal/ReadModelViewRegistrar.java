package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spring.Projection;
import io.orchestrix.projection.spring.ProjectionEngines;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Registers, for each read model of each {@link Projection} bean, a bean of type
 * {@code ReadModelView<T>} (T the document type) named {@code readModelView.<read model name>}, so that
 * controllers and services inject the committed view of a read model by its type. The views are made
 * when first injected, from the projection's engine.
 */
public final class ReadModelViewRegistrar implements BeanDefinitionRegistryPostProcessor {

  /** The prefix of the views' bean names. */
  public static final String BEAN_NAME_PREFIX = "readModelView.";

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
      return;
    }
    Set<String> registered = new LinkedHashSet<>();
    for (String beanName : beanFactory.getBeanNamesForAnnotation(Projection.class)) {
      Class<?> type = beanFactory.getType(beanName, false);
      Projection annotation = type == null ? null
          : AnnotatedElementUtils.findMergedAnnotation(type, Projection.class);
      if (annotation == null) {
        continue;
      }
      for (ReadModel<?> readModel : ReadModelDeclarations.of(type, annotation)) {
        String name = BEAN_NAME_PREFIX + readModel.name();
        if (registered.add(name) && !registry.containsBeanDefinition(name)) {
          registry.registerBeanDefinition(name, view(annotation.id(), readModel, beanFactory));
        }
      }
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

  private static <T> RootBeanDefinition view(String projectionId, ReadModel<T> readModel,
      BeanFactory beanFactory) {
    RootBeanDefinition definition = new RootBeanDefinition();
    definition.setTargetType(ResolvableType.forClassWithGenerics(ReadModelView.class, readModel.type()));
    definition.setInstanceSupplier(() ->
        beanFactory.getBean(ProjectionEngines.class).engine(projectionId).readModel(readModel));
    return definition;
  }
}
