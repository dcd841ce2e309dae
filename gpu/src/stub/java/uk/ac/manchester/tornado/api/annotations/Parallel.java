package uk.ac.manchester.tornado.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Compile-time stand-in for TornadoVM's {@code @Parallel} (same name, target and retention), so
 * the kernels compile in the default build without the SDK. Compiled only when
 * {@code TORNADOVM_HOME} is unset and left out of the jar; with the SDK the real annotation is
 * used, and the kernel class files are the same either way.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.LOCAL_VARIABLE})
public @interface Parallel {}
