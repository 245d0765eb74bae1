import { Upload } from 'tus-js-client';

/** The server stores tus bytes as R2 multipart parts of 5 MiB: a chunk per part keeps every PATCH one part. */
const CHUNK_BYTES = 5 * 1024 * 1024;

export interface UploadProgress {
  /** Bytes handed to the network (moves smoothly). */
  sent: number;
  /** Bytes the server confirmed it stored (moves a chunk at a time; what a resume starts from). */
  stored: number;
  total: number;
}

/**
 * Sends one file to a direct upload's tus URL (what `POST /v1/uploads` answered). tus-js-client
 * retries a dropped PATCH from the offset the server reports (HEAD), so a flaky network costs a
 * chunk, not the file. Resolves when the last byte is in.
 */
export function sendFile(file: File, endpoint: string, onProgress: (p: UploadProgress) => void): Promise<void> {
  let sent = 0;
  let stored = 0;
  return new Promise<void>((resolve, reject) => {
    new Upload(file, {
      endpoint,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000],
      // One URL per upload: nothing to find again in localStorage later.
      storeFingerprintForResuming: false,
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
      onProgress: (bytes, total) => {
        sent = bytes;
        onProgress({ sent, stored, total });
      },
      onChunkComplete: (_chunk, accepted, total) => {
        stored = accepted;
        onProgress({ sent: Math.max(sent, stored), stored, total });
      },
      onError: reject,
      onSuccess: () => resolve(),
    }).start();
  });
}
