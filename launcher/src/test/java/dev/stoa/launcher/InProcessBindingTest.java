package dev.stoa.launcher;

import dev.stoa.cluster.ServiceDirectory;

/** {@link ServiceBindingContract} through the directory of the process hosting the services. */
class InProcessBindingTest extends ServiceBindingContract {
  @Override
  ServiceDirectory caller() {
    return host.node.directory();
  }
}
