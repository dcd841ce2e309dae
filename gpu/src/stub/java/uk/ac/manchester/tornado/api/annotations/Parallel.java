package uk.ac.manchester.tornado.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Compile-time stand-in for TornadoVM's {@code @Parallel} (same name, target and retention), so
 * the kernels compile in the default build without the SDK. Compiled only when
 * {@code TORNADOVM_HOME} is unset, and then shipped in the gpu jar (the jvm-kernels backend runs
 * the kernels from it); with the SDK the real annotation is used and this file is not compiled.
 * Written for Arcus, not copied from TornadoVM: TornadoVM's API jar is not on Maven Central.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.LOCAL_VARIABLE})
public @interface Parallel {}
