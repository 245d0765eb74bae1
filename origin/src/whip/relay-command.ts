/**
 * The FFmpeg that turns one WHIP publisher's RTP into RTMP for the local NGINX: it reads an SDP
 * file describing the loopback ports the session forwards RTP (and RTCP, one port up) to, copies
 * the H.264 and transcodes Opus to AAC (FLV, and so NGINX-RTMP and the ladder, carry no Opus).
 * Pure: built and checked by whip-offer.test.ts.
 */

export interface RelayTrack {
  /** Loopback port FFmpeg reads RTP on; RTCP goes to port + 1 (no rtcp-mux in a plain SDP). */
  port: number;
  payloadType: number;
}

export interface RelayTracks {
  video: RelayTrack & { fmtp?: string };
  audio: (RelayTrack & { channels: number }) | null;
}

/** The session description FFmpeg's RTP demuxer reads (plain RTP/AVP: the session already removed SRTP). */
export function relaySdp(tracks: RelayTracks): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=edgelive whip relay', 'c=IN IP4 127.0.0.1', 't=0 0'];
  const v = tracks.video;
  lines.push(`m=video ${v.port} RTP/AVP ${v.payloadType}`, `a=rtpmap:${v.payloadType} H264/90000`);
  // packetization-mode=1 (FU-A, STAP-A) is what every WebRTC encoder sends.
  lines.push(
    `a=fmtp:${v.payloadType} ${v.fmtp && /packetization-mode/.test(v.fmtp) ? v.fmtp : 'packetization-mode=1'}`,
  );
  const a = tracks.audio;
  if (a) lines.push(`m=audio ${a.port} RTP/AVP ${a.payloadType}`, `a=rtpmap:${a.payloadType} opus/48000/${a.channels}`);
  return `${lines.join('\r\n')}\r\n`;
}

export function relayArgs(sdpPath: string, rtmpUrl: string, withAudio: boolean): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-protocol_whitelist',
    'file,udp,rtp',
    // A live source: start as soon as the codecs are known (as the SRT relay does).
    '-probesize',
    '500000',
    '-analyzeduration',
    '1000000',
    // H.264 depacketized from RTP has frames without a pts until the parser dates them.
    '-fflags',
    '+genpts',
    '-i',
    sdpPath,
    '-map',
    '0:v:0',
    ...(withAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k', '-ar', '48000'] : []),
    '-c:v',
    'copy',
    '-f',
    'flv',
    rtmpUrl,
  ];
}
