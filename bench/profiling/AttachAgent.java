import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM through the JDK's attach API; run as a single source
 * file by {@code bench/profile.sh}: {@code java AttachAgent.java PID LIBRARY OPTIONS}. Used instead
 * of {@code jcmd JVMTI.agent_load}, whose argument parser takes {@code key=value} options apart.
 */
public final class AttachAgent {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: AttachAgent PID LIBRARY OPTIONS");
      System.exit(2);
    }
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    try {
      vm.loadAgentPath(args[1], args[2]);
    } finally {
      vm.detach();
    }
  }
}
