import { ApiError } from '../../../api';
import { currentLang } from '../../../i18n';

/** Where an upload is: sending the file (with the share sent), or waiting for the server's answer. */
export type UploadPhase = { phase: 'sending'; percent: number } | { phase: 'processing' };

/**
 * Sends a file as the body of `POST path` with XMLHttpRequest, which (unlike fetch) reports upload
 * progress. Same headers as the API client (`X-Requested-With` for the CSRF check, the language);
 * the session cookie goes along. Resolves to the parsed answer, rejects with an ApiError.
 */
export function uploadFile<T>(path: string, body: Blob, contentType: string, onPhase: (p: UploadPhase) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Requested-With', 'netcare');
    xhr.setRequestHeader('Accept-Language', currentLang() === 'zh' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en,zh-CN;q=0.5');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onPhase({ phase: 'sending', percent: Math.min(100, Math.round((e.loaded / e.total) * 100)) });
    };
    xhr.upload.onload = () => onPhase({ phase: 'processing' });
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const e = (parsed && typeof parsed === 'object' ? parsed : {}) as { code?: unknown; message?: unknown; details?: unknown };
      reject(new ApiError(
        xhr.status,
        typeof e.code === 'string' ? e.code : `http_${xhr.status}`,
        typeof e.message === 'string' && e.message ? e.message : xhr.statusText || `HTTP ${xhr.status}`,
        e.details,
      ));
    };
    onPhase({ phase: 'sending', percent: 0 });
    xhr.send(body);
  });
}
