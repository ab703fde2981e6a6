"""The rule catalogue's texts a citizen reads, marked for translation (gettext) so that the self-check, the
leaflets and the service guides show them in 繁體 (OpenCC, by ``make messages``) and English (jisheng/locale/en.yaml).

The texts live in :data:`jisheng.licensing.rules.PROVISIONS` and its common materials lists, which the rules return
as they are (contract §2); :mod:`jisheng.licensing.guidance` translates them when it shows them. ``makemessages``
only finds literal strings, so they are listed here; ``jisheng/portal/tests/test_self_check.py`` fails, printing the
missing ones, when a text of the catalogue is not in :data:`MARKED` (add it here and its English to en.yaml).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

MARKED = (
    gettext_noop('独生子女为非遗传性病残儿'),
    gettext_noop('夫妻只有一个子女'),
    gettext_noop('经病残儿医学鉴定机构鉴定为非严重遗传性残疾，不能成长为正常劳动力'),
    gettext_noop('女方年满24周岁后申请'),
    gettext_noop('病残儿医学鉴定结论'),
    gettext_noop('因公致残（二等乙级以上）或烈士独生子女'),
    gettext_noop('一方为因公（见义勇为）致残的军人、武警、公安干警等，残疾等级二等乙级以上，或一方为烈士的独生子女'),
    gettext_noop('革命伤残军人证等残疾证件或烈士证明'),
    gettext_noop('二等乙级以上：旧等级为特等、一等、二等甲级、二等乙级；2004年10月1日起的一级至十级中为一至六级（按民政部负责人“一至六级残疾军人相当于原二等乙级以上”的说明认定，待核实）'),
    gettext_noop('再婚：一方丧偶，另一方未生育过'),
    gettext_noop('一方丧偶后再婚'),
    gettext_noop('另一方未生育过'),
    gettext_noop('再婚后尚未共同生育'),
    gettext_noop('可在再婚后即行申请（不受24周岁限制）'),
    gettext_noop('原配偶死亡证明'),
    gettext_noop('再婚结婚证'),
    gettext_noop('再婚：一方离婚前生育一个或依法生育两个子女，另一方未生育过'),
    gettext_noop('一方离婚后再婚，离婚前只生育一个子女或依法生育两个子女'),
    gettext_noop('离婚证及离婚协议书或法院判决书、调解书'),
    gettext_noop('未生育而依法收养后又怀孕'),
    gettext_noop('夫妻婚后未生育'),
    gettext_noop('依法收养子女后'),
    gettext_noop('女方又怀孕'),
    gettext_noop('收养登记证'),
    gettext_noop('怀孕证明'),
    gettext_noop('两代独生子女或双方均为独生子女'),
    gettext_noop('一方为两代独生子女，或夫妻双方均为独生子女'),
    gettext_noop('独生子女证明（父母的独生子女父母光荣证等）'),
    gettext_noop('井下作业连续五年以上，只有一个女孩'),
    gettext_noop('一方从事井下作业连续五年以上且现仍从事井下作业'),
    gettext_noop('夫妻只有一个女孩'),
    gettext_noop('所在单位出具的井下作业工龄证明'),
    gettext_noop('农村：一方为独生子女，只有一个子女'),
    gettext_noop('女方为农村居民（农转非五年内的，见第二十三条第三款）'),
    gettext_noop('一方为独生子女'),
    gettext_noop('独生子女证明'),
    gettext_noop('农村：男方兄弟均无生育条件'),
    gettext_noop('男方有兄弟，但兄弟均无生育条件'),
    gettext_noop('男方兄弟无生育能力的医学证明'),
    gettext_noop('农村：男到无兄弟的女家落户并赡养父母，只有一个女孩'),
    gettext_noop('男方到女方家落户'),
    gettext_noop('女方无兄弟'),
    gettext_noop('赡养女方父母'),
    gettext_noop('姐妹中只照顾一人'),
    gettext_noop('落户及赡养协议、村（居）委会证明'),
    gettext_noop('农村：男方无兄弟且只有一个姐妹，只有一个女孩'),
    gettext_noop('男方无兄弟且只有一个姐妹'),
    gettext_noop('男方家庭成员证明'),
    gettext_noop('农村：沿海垦区人均耕地五亩以上，只有一个女孩'),
    gettext_noop('居住在沿海垦区，人均耕地五亩以上（以村为单位计算）'),
    gettext_noop('村委会出具的人均耕地证明'),
    gettext_noop('农村：一方以海洋捕捞为业五年以上，只有一个女孩'),
    gettext_noop('一方以海洋捕捞为业五年以上，现仍从事海洋捕捞业'),
    gettext_noop('从事海洋捕捞五年以上且现仍从事海洋捕捞业的证明（所在单位或村（居）委会出具）'),
    gettext_noop('农村：一方为一级或二级非遗传性肢体残疾，只有一个女孩'),
    gettext_noop('夫妻双方为主要从事种植业或者养殖业的农村居民（农转非五年内的，见第三款）'),
    gettext_noop('一方经县级以上医学、劳动鉴定机构确认为非遗传性一级或者二级肢体残疾'),
    gettext_noop('县级以上医学、劳动鉴定机构出具的非遗传性肢体残疾等级鉴定（残疾人证）'),
    gettext_noop('村（居）委会出具的主要从事种植业或者养殖业的证明'),
    gettext_noop('农转非五年内仍适用农村再生育条件'),
    gettext_noop('农村居民转为城镇居民但仍在农村居住生活，或在小城镇户籍制度改革中成建制转为城镇居民'),
    gettext_noop('自转为城镇居民之日起五年内'),
    gettext_noop('符合第二十三条第一款或第二款的其他条件'),
    gettext_noop('户口由农业转为非农业的证明（注明转户日期）'),
    gettext_noop('仍在农村居住生活或成建制转为城镇居民的证明'),
    gettext_noop('一方为独生子女，只有一个子女（单独二孩）'),
    gettext_noop('夫妻一方为独生子女（含两代独生子女、烈士的独生子女）'),
    gettext_noop('独生子女证明（独生子女父母光荣证等）'),
    gettext_noop('因公致残（二等乙级以上）'),
    gettext_noop('一方为因公（见义勇为）致残的军人、武警、公安民警等，残疾等级二等乙级以上'),
    gettext_noop('革命伤残军人证、残疾军人证等残疾证件'),
    gettext_noop('国家提倡一对夫妻生育两个子女（生育登记）'),
    gettext_noop('夫妻现有子女少于两个'),
    gettext_noop('生育第一、二个子女无需审批，办理生育登记'),
    gettext_noop('夫妻双方居民身份证'),
    gettext_noop('结婚证'),
    gettext_noop('一对夫妻可以生育三个子女（生育登记）'),
    gettext_noop('夫妻现有子女少于三个'),
    gettext_noop('生育子女办理生育登记，无需审批'),
    gettext_noop('生育第一、二个子女实行生育登记'),
    gettext_noop('两个子女中有病残儿'),
    gettext_noop('夫妻已有两个子女'),
    gettext_noop('其中一个经病残儿医学鉴定为非遗传性残疾，不能成长为正常劳动力'),
    gettext_noop('再婚：再婚前合计不超过两个子女'),
    gettext_noop('再婚夫妻'),
    gettext_noop('再婚前双方合计生育不超过两个子女'),
    gettext_noop('再婚后未共同生育'),
    gettext_noop('离婚证或原配偶死亡证明'),
    gettext_noop('生育三个以内子女实行生育登记'),
    gettext_noop('三个子女中有病残儿'),
    gettext_noop('夫妻已有三个子女'),
    gettext_noop('其中一个经病残儿医学鉴定为非遗传性残疾'),
    gettext_noop('《再生育申请审批表》（夫妻双方单位或村（居）委会签署意见）'),
    gettext_noop('户口簿'),
    gettext_noop('夫妻双方婚育情况证明'),
    gettext_noop('现有子女出生医学证明'),
    gettext_noop('女方近期免冠照片'),
)


def catalogue_texts() -> list[str]:
    """Every text of the rule catalogue a citizen can read: each provision's title, conditions, materials and
    notes, and the common materials of every version."""
    from jisheng.licensing import rules

    texts: list[str] = []
    for p in rules.PROVISIONS.values():
        texts += [p.title, *p.conditions, *p.materials, *p.notes]
    texts += [*rules.COMMON_MATERIALS_2002, *rules.COMMON_MATERIALS_2014, *rules.COMMON_MATERIALS_LATER]
    return list(dict.fromkeys(texts))
