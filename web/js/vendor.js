// Third-party code a page needs only when it is used (Chart.js, JSZip): loaded on demand, once, from web/vendor.
const loading = new Map();

/** await vendor('jszip.min.js', 'JSZip') → window.JSZip, loading /vendor/jszip.min.js the first time. */
export function vendor(file, globalName) {
  if (window[globalName]) return Promise.resolve(window[globalName]);
  if (!loading.has(file)) {
    loading.set(file, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `/vendor/${file}`;
      script.async = true;
      script.addEventListener('load', () => resolve(window[globalName]));
      script.addEventListener('error', () => {
        loading.delete(file);
        reject(new Error(`could not load ${file}`));
      });
      document.head.append(script);
    }));
  }
  return loading.get(file);
}
