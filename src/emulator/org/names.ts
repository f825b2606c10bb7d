// Word lists for generated orgs: common surnames and given-name characters with a rough
// pinyin (userids are ascii, like `zhangwei`), and department names by level.

export const SURNAMES: readonly (readonly [string, string])[] = [
  ["王", "wang"], ["李", "li"], ["张", "zhang"], ["刘", "liu"], ["陈", "chen"], ["杨", "yang"], ["黄", "huang"],
  ["赵", "zhao"], ["吴", "wu"], ["周", "zhou"], ["徐", "xu"], ["孙", "sun"], ["马", "ma"], ["朱", "zhu"],
  ["胡", "hu"], ["郭", "guo"], ["何", "he"], ["高", "gao"], ["林", "lin"], ["罗", "luo"], ["郑", "zheng"],
  ["梁", "liang"], ["谢", "xie"], ["宋", "song"], ["唐", "tang"], ["许", "xu"], ["韩", "han"], ["冯", "feng"],
  ["邓", "deng"], ["曹", "cao"], ["彭", "peng"], ["曾", "zeng"], ["肖", "xiao"], ["田", "tian"], ["董", "dong"],
  ["袁", "yuan"], ["潘", "pan"], ["于", "yu"], ["蒋", "jiang"], ["蔡", "cai"], ["余", "yu"], ["杜", "du"],
  ["叶", "ye"], ["程", "cheng"], ["苏", "su"], ["魏", "wei"], ["吕", "lv"], ["丁", "ding"], ["任", "ren"],
  ["沈", "shen"], ["姚", "yao"], ["卢", "lu"], ["姜", "jiang"], ["崔", "cui"], ["钟", "zhong"], ["谭", "tan"],
  ["陆", "lu"], ["汪", "wang"], ["范", "fan"], ["金", "jin"], ["石", "shi"], ["廖", "liao"], ["贾", "jia"],
  ["夏", "xia"], ["韦", "wei"], ["付", "fu"], ["方", "fang"], ["白", "bai"], ["邹", "zou"], ["孟", "meng"],
  ["欧阳", "ouyang"], ["司马", "sima"],
];

export const GIVEN: readonly (readonly [string, string])[] = [
  ["伟", "wei"], ["芳", "fang"], ["娜", "na"], ["敏", "min"], ["静", "jing"], ["丽", "li"], ["强", "qiang"],
  ["磊", "lei"], ["军", "jun"], ["洋", "yang"], ["勇", "yong"], ["艳", "yan"], ["杰", "jie"], ["娟", "juan"],
  ["涛", "tao"], ["明", "ming"], ["超", "chao"], ["秀", "xiu"], ["霞", "xia"], ["平", "ping"], ["刚", "gang"],
  ["桂", "gui"], ["英", "ying"], ["华", "hua"], ["文", "wen"], ["玉", "yu"], ["辉", "hui"], ["建", "jian"],
  ["鑫", "xin"], ["宇", "yu"], ["浩", "hao"], ["欣", "xin"], ["婷", "ting"], ["雪", "xue"], ["琳", "lin"],
  ["晨", "chen"], ["博", "bo"], ["思", "si"], ["子", "zi"], ["涵", "han"], ["睿", "rui"], ["佳", "jia"],
  ["嘉", "jia"], ["俊", "jun"], ["凯", "kai"], ["瑞", "rui"], ["鹏", "peng"], ["飞", "fei"], ["云", "yun"],
  ["海", "hai"], ["斌", "bin"], ["晓", "xiao"], ["志", "zhi"], ["慧", "hui"], ["颖", "ying"], ["峰", "feng"],
  ["燕", "yan"], ["春", "chun"], ["红", "hong"], ["梅", "mei"], ["天", "tian"], ["一", "yi"], ["若", "ruo"],
  ["安", "an"], ["泽", "ze"], ["雨", "yu"], ["诗", "shi"], ["梓", "zi"], ["轩", "xuan"], ["萱", "xuan"],
];

export const POSITIONS: readonly string[] = [
  "工程师", "高级工程师", "资深工程师", "架构师", "产品经理", "高级产品经理", "设计师", "测试工程师",
  "运维工程师", "数据分析师", "算法工程师", "销售经理", "客户经理", "运营专员", "市场专员", "会计",
  "出纳", "人事专员", "招聘经理", "行政专员", "法务专员", "项目经理", "部门经理", "总监", "助理", "实习生",
];

/** Level 2 (children of the root). */
export const CENTERS: readonly (readonly [string, string])[] = [
  ["研发中心", "R&D Center"], ["产品中心", "Product Center"], ["市场中心", "Marketing Center"],
  ["销售中心", "Sales Center"], ["运营中心", "Operations Center"], ["财务中心", "Finance Center"],
  ["人力资源中心", "HR Center"], ["行政中心", "Administration Center"], ["法务中心", "Legal Center"],
  ["供应链中心", "Supply Chain Center"], ["客户服务中心", "Customer Service Center"], ["质量管理中心", "Quality Center"],
  ["战略发展中心", "Strategy Center"], ["信息技术中心", "IT Center"], ["创新研究院", "Innovation Institute"],
];

/** Level 3. */
export const DEPARTMENTS: readonly string[] = [
  "后端开发部", "前端开发部", "移动开发部", "测试部", "平台部", "数据部", "算法部", "基础架构部", "安全部",
  "设计部", "产品部", "用户研究部", "品牌部", "渠道部", "大客户部", "华东销售部", "华南销售部", "华北销售部",
  "西南销售部", "商务部", "财务部", "审计部", "税务部", "招聘部", "培训部", "薪酬福利部", "行政部", "采购部",
  "物流部", "客服部", "质量部", "运维部", "投资部", "公关部", "内容运营部", "用户运营部",
];

/** Level 4 and below. */
export const TEAMS: readonly string[] = [
  "一组", "二组", "三组", "四组", "五组", "支付组", "账号组", "搜索组", "推荐组", "增长组", "存储组", "网络组",
  "工具组", "自动化组", "性能组", "交互组", "视觉组", "直播组", "社区组", "商业化组", "风控组", "结算组",
  "客户成功组", "解决方案组", "交付组", "项目组", "专项组",
];

export const PLACES: readonly string[] = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "苏州", "厦门", "长沙"];
