package io.orchestrix.projection.examples.orders;

import org.springframework.boot.test.context.SpringBootTest;

/** The service on its embedded default, H2 (in memory here, so each run starts empty). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:orders-${random.uuid};DB_CLOSE_DELAY=-1",
    "orchestrix.projections.read-your-writes-timeout=1s"})
class OrdersOnH2Test extends OrdersHttpContract {}
