import { describe, expect, it } from 'vitest';
import { subscribersIn } from './nginx-control.ts';

// What NGINX-RTMP's stat module printed here (Debian's libnginx-mod-rtmp) for one stream with a
// publisher and a player, and one idle stream a player waits on.
const STAT = `<?xml version="1.0" encoding="utf-8" ?>
<rtmp>
<server>
<application>
<name>live</name>
<live>
<stream>
<name>inp_a</name>
<time>1744</time><bw_in>0</bw_in>
<client><id>20</id><address>127.0.0.1</address><time>1107</time><flashver>FMLE/3.0 (compatible; Lavf59.27</flashver><dropped>0</dropped><publishing/><active/></client>
<client><id>19</id><address>127.0.0.1</address><time>1927</time><flashver>LNX 9,0,124,2</flashver><dropped>0</dropped><active/></client>
<nclients>2</nclients>
<publishing/>
<active/>
</stream>
<stream>
<name>inp_b</name>
<client><id>21</id><address>127.0.0.1</address><time>300</time><flashver>LNX 9,0,124,2</flashver><dropped>0</dropped></client>
<nclients>1</nclients>
</stream>
<stream>
<name>inp_c</name>
<client><id>22</id><address>127.0.0.1</address><time>300</time><flashver>FMLE/3.0</flashver><dropped>0</dropped><publishing/><active/></client>
<nclients>1</nclients>
<publishing/>
</stream>
<nclients>4</nclients>
</live>
</application>
</server>
</rtmp>`;

describe('subscribersIn', () => {
  it('counts the players of a stream, not its publisher', () => {
    expect(subscribersIn(STAT, 'live', 'inp_a')).toBe(1);
    expect(subscribersIn(STAT, 'live', 'inp_c')).toBe(0);
  });

  it('sees a player waiting on a stream that has no publisher yet', () => {
    expect(subscribersIn(STAT, 'live', 'inp_b')).toBe(1);
  });

  it('knows no stream or application it was not shown', () => {
    expect(subscribersIn(STAT, 'live', 'inp')).toBe(0);
    expect(subscribersIn(STAT, 'other', 'inp_a')).toBe(0);
    expect(subscribersIn('', 'live', 'inp_a')).toBe(0);
  });
});
