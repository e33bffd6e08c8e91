// The region a producer's Chinese name points to when its registration states no address (food/web/places.ts),
// in both languages: a county with its city, a district of a city proper named by its city, a city alone,
// the province alone, and a name that points nowhere.

import t from 'tap'
import { regionOf } from '../../src/food/web/places.js'

t.test('regionOf: county, district, city, province, nowhere', async (t) => {
  t.same(regionOf('安吉稻米合作社'), { zh: '浙江 · 湖州 · 安吉', en: 'Anji, Huzhou, Zhejiang', short: { zh: '安吉', en: 'Anji' } })
  t.same(regionOf('磐安高山茶场'), { zh: '浙江 · 金华 · 磐安', en: "Pan'an, Jinhua, Zhejiang", short: { zh: '磐安', en: "Pan'an" } })
  t.same(regionOf('杭州西湖生鲜超市'), { zh: '浙江 · 杭州 · 西湖', en: 'Xihu, Hangzhou, Zhejiang', short: { zh: '杭州', en: 'Hangzhou' } }, 'a district: the short form is its city')
  t.same(regionOf('金华两头乌养殖场'), { zh: '浙江 · 金华', en: 'Jinhua, Zhejiang', short: { zh: '金华', en: 'Jinhua' } })
  t.same(regionOf('浙冷链物流'), { zh: '浙江', en: 'Zhejiang', short: { zh: '浙江', en: 'Zhejiang' } })
  t.equal(regionOf('上海某公司'), undefined)
  t.equal(regionOf(undefined), undefined)
  t.equal(regionOf(''), undefined)
})
