package dev.stoa.launcher;

import dev.stoa.cluster.ServiceDirectory;

/** {@link ServiceBindingContract} through another node of the cluster: every call goes over gRPC. */
class GrpcBindingTest extends ServiceBindingContract {
  @Override
  ServiceDirectory caller() {
    return other.node.directory();
  }
}
