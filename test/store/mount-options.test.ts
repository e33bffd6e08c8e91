// Which mount holds a directory, from /proc/self/mountinfo, and whether it discards freed blocks online (a
// mount option under which LevelDB's file deletions stall the node's reads: store/mount-options.ts).

import t from 'tap'
import { mountOf, onlineDiscardMount } from '../../src/store/mount-options.js'

// Lines as this development machine's kernel writes them, with a mount point holding a space (\040).
const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534',
  '46 27 7:0 / /mnt/data rw,relatime - ext4 /dev/loop0 rw',
  '47 27 7:1 / /mnt/data\\040old rw,noatime - xfs /dev/loop1 rw,discard',
  '48 46 0:50 / /mnt/data/tmp rw,relatime - tmpfs tmpfs rw,size=8192k',
  '',
].join('\n')

t.test('the mount with the longest mount point above the path', async (t) => {
  t.match(mountOf(MOUNTINFO, '/work/main/data'), { mountPoint: '/', fsType: 'ext4', options: ['rw', 'relatime', 'rw', 'discard', 'resv_strict', 'resuid=65534', 'resgid=65534'] })
  t.match(mountOf(MOUNTINFO, '/mnt/data/node'), { mountPoint: '/mnt/data', fsType: 'ext4', options: ['rw', 'relatime', 'rw'] })
  t.match(mountOf(MOUNTINFO, '/mnt/data'), { mountPoint: '/mnt/data' }, 'the mount point itself')
  t.match(mountOf(MOUNTINFO, '/mnt/data/tmp/x'), { mountPoint: '/mnt/data/tmp', fsType: 'tmpfs' }, 'a mount inside a mount')
  t.match(mountOf(MOUNTINFO, '/mnt/datafile'), { mountPoint: '/' }, 'a name that only begins like a mount point is not under it')
  t.match(mountOf(MOUNTINFO, '/mnt/data old/node'), { mountPoint: '/mnt/data old', fsType: 'xfs' }, 'escapes undone')
  t.equal(mountOf('', '/x'), undefined)
  t.equal(mountOf('not a mountinfo line\n', '/x'), undefined)
})

t.test('online discard is told from the options; a directory that cannot be read says nothing', async (t) => {
  t.ok(mountOf(MOUNTINFO, '/srv')?.options.includes('discard'))
  t.notOk(mountOf(MOUNTINFO, '/mnt/data/n')?.options.includes('discard'))
  t.equal(onlineDiscardMount('/no/such/directory/here'), undefined)
})
