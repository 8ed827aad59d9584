// Turning a failed `require` of a tfjs backend package into a short reason a
// user can act on.

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}

/**
 * Why `require(pkg)` failed, in words:
 * - the package itself is absent → "package not installed";
 * - its native binding is absent (libtensorflow download failed at install);
 * - dlopen could not find a CUDA library, e.g. "CUDA library not found (libcudart.so.11.0)";
 * - any other shared library, or anything else: the first line of the error.
 */
export function requireFailureReason(pkg: string, e: unknown): string {
  const message = firstLine(e);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(message)) {
    if (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`)) return 'package not installed';
    if (/\.node['"]?/.test(message)) return 'native binding missing (its libtensorflow download failed at install; reinstall it)';
  }
  // glibc: "libcudart.so.11.0: cannot open shared object file: No such file or directory"
  const lib = /([\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file/.exec(message)?.[1] ?? /(\w+\.dll)/i.exec(message)?.[1];
  if (lib) {
    const cuda = /^(lib)?(cu|nvinfer|nvrtc|cudnn)/i.test(lib);
    return cuda ? `CUDA library not found (${lib}); tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1` : `shared library not found (${lib})`;
  }
  return message || 'failed to load';
}
