import { useEffect, useState } from 'react';
import { BarChart, LineChart } from '../../ui/charts';
import { appendSample, perMinute, type Sample } from './live-stats';
import { useRoom, useRoomMessages } from './rooms.queries';

/** Viewers now and over time (sampled while this page is open), and chat messages per minute. */
export function LiveNumbers({ appId, roomId }: { appId: string; roomId: string }) {
  const room = useRoom(appId, roomId);
  const messages = useRoomMessages(appId, roomId);
  const [series, setSeries] = useState<Sample[]>([]);
  const live = room.data?.live;
  const sampledAt = room.dataUpdatedAt;
  useEffect(() => {
    if (live) setSeries((s) => appendSample(s, { t: sampledAt, v: live.viewers }));
  }, [live, sampledAt]);
  const minutes = perMinute(
    (messages.data?.data ?? []).map((m) => m.created_at),
    Date.now(),
  );
  const stat = (label: string, value: number | string, id: string) => (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value" data-testid={id}>
        {value}
      </div>
    </div>
  );
  return (
    <section aria-labelledby="live-h">
      <h2 id="live-h">Live numbers</h2>
      <div className="stats">
        {stat('Viewers now', live?.viewers ?? '—', 'viewers-now')}
        {stat('Chatters now', live?.members ?? '—', 'members-now')}
        {stat('Peak viewers', live?.peak ?? '—', 'viewers-peak')}
        {stat('Messages this minute', minutes[minutes.length - 1]?.count ?? 0, 'messages-minute')}
      </div>
      <div className="grid-2">
        <div className="panel">
          <h3>Viewers</h3>
          <LineChart series={series} label="Viewers over time" />
        </div>
        <div className="panel">
          <h3>Chat messages per minute (last 10 min)</h3>
          <BarChart values={minutes.map((m) => m.count)} label="Messages per minute" />
        </div>
      </div>
    </section>
  );
}
